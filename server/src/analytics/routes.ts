export const analyticsRoutes = [];
