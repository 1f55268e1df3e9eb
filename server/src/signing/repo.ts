import type { GatewayDb } from "../store/gateway-db";
import type { DoneWrite } from "./context";

export type SigningState = "pending" | "signing" | "completed" | "failed" | "expired";

export interface SigningRow {
  id: string;
  userId: string;
  address: string;
  operationId: string;
  inputs: { params: unknown; query: unknown; body: unknown };
  idempotencyKey: string | null;
  done: DoneWrite[];
  typedData: TypedDataJson;
  summary: string;
  deadline: number;
  status: SigningState;
  resultStatus: number | null;
  result: unknown;
  createdAt: string;
  completedAt: string | null;
}

export interface TypedDataJson {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: { EIP712Domain: { name: string; type: string }[]; ForwardRequest: { name: string; type: string }[] };
  primaryType: "ForwardRequest";
  message: { from: string; to: string; value: string; gas: string; nonce: string; deadline: number; data: string };
}

interface Raw {
  id: string;
  user_id: string;
  address: string;
  operation_id: string;
  inputs: string;
  idempotency_key: string | null;
  done: string;
  typed_data: string;
  summary: string;
  deadline: number;
  status: SigningState;
  result_status: number | null;
  result: string | null;
  created_at: string;
  completed_at: string | null;
}

const fromRaw = (r: Raw): SigningRow => ({
  id: r.id,
  userId: r.user_id,
  address: r.address,
  operationId: r.operation_id,
  inputs: JSON.parse(r.inputs),
  idempotencyKey: r.idempotency_key,
  done: JSON.parse(r.done),
  typedData: JSON.parse(r.typed_data),
  summary: r.summary,
  deadline: r.deadline,
  status: r.status,
  resultStatus: r.result_status,
  result: r.result === null ? null : JSON.parse(r.result),
  createdAt: r.created_at,
  completedAt: r.completed_at,
});

/** The signing_requests table of gateway.db. */
export class SigningRepo {
  constructor(private readonly db: GatewayDb) {}

  insert(row: Omit<SigningRow, "status" | "resultStatus" | "result" | "completedAt">): void {
    this.db
      .prepare(
        `INSERT INTO signing_requests (id, user_id, address, operation_id, inputs, idempotency_key, done, typed_data, summary, deadline, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(row.id, row.userId, row.address, row.operationId, JSON.stringify(row.inputs), row.idempotencyKey, JSON.stringify(row.done), JSON.stringify(row.typedData), row.summary, row.deadline, row.createdAt);
  }

  /** The request if `userId` owns it. */
  get(id: string, userId: string): SigningRow | undefined {
    const r = this.db.prepare("SELECT * FROM signing_requests WHERE id = ? AND user_id = ?").get(id, userId) as Raw | undefined;
    return r && fromRaw(r);
  }

  /** Moves `from` -> `to` atomically; false when another call moved it first (a replay racing the first signature). */
  transition(id: string, from: SigningState, to: SigningState): boolean {
    return this.db.prepare("UPDATE signing_requests SET status = ? WHERE id = ? AND status = ?").run(to, id, from).changes === 1;
  }

  finish(id: string, status: "completed" | "failed" | "expired", resultStatus: number | null, result: unknown): void {
    this.db
      .prepare("UPDATE signing_requests SET status = ?, result_status = ?, result = ?, completed_at = ? WHERE id = ?")
      .run(status, resultStatus, result === undefined ? null : JSON.stringify(result), new Date().toISOString(), id);
  }
}
