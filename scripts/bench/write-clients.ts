/**
 * The interval-mining benchmark's clients, in a process of their own so that their HTTP work does not share the
 * gateway's JavaScript thread (nor count in its CPU). Reads one JSON job from stdin:
 * `{ baseUrl, seconds, users: [{ token, supplierOrgId }] }`; each user issues orders one after another until the time
 * is up. Prints one JSON line: `{ ok, errors, seconds, latencies, errorSamples }`.
 */
import { inDays } from "./lib";

interface Job {
  baseUrl: string;
  seconds: number;
  users: { token: string; supplierOrgId: string }[];
}

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const job = JSON.parse(input) as Job;
  let ok = 0;
  let errors = 0;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const t0 = performance.now();
  const stopAt = t0 + job.seconds * 1000;
  await Promise.all(
    job.users.map(async (u, i) => {
      for (let n = 0; performance.now() < stopAt; n++) {
        const s = performance.now();
        try {
          const res = await fetch(`${job.baseUrl}/api/v1/orders`, {
            method: "POST",
            headers: { authorization: `Bearer ${u.token}`, "content-type": "application/json" },
            body: JSON.stringify({ supplierOrgId: u.supplierOrgId, amount: "1.00", reference: `IV-${i}-${n}`, dueDate: inDays(30) }),
          });
          const text = await res.text();
          if (res.status === 201) {
            ok += 1;
            latencies.push(performance.now() - s);
          } else {
            errors += 1;
            if (errorSamples.length < 5) errorSamples.push(`${res.status} ${text.slice(0, 200)}`);
          }
        } catch (err) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(String(err));
        }
      }
    }),
  );
  process.stdout.write(JSON.stringify({ ok, errors, seconds: (performance.now() - t0) / 1000, latencies, errorSamples }) + "\n");
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
