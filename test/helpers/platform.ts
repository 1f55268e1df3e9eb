/*
 * The platform helpers moved to scripts/lib (the benchmarks and drills use them, and scripts never import from test/);
 * import them from there. This re-export keeps imports written before the move working.
 */
export { apiClient } from "../../scripts/lib/api-client";
export { startPlatform, type Platform, type PlatformOptions } from "../../scripts/lib/platform";
export { freePort, killGroup, startProcess } from "../../scripts/lib/processes";
