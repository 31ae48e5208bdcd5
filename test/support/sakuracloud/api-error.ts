// Error answers exactly as the API writes them: {"is_fatal":true,"serial":"<32 hex>",
// "status":"404 Not Found","error_code":"not_found","error_msg":"..."}. The messages are
// the real ones quoted in sacloud issues; 401 and 423 bodies were never seen published,
// so theirs follow the same shape with assumed codes ("unauthorized", "locked").
import { randomBytes } from "node:crypto";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  409: "Conflict",
  423: "Locked",
  503: "Service Unavailable",
};

/** MESSAGES are the error_msg texts per error_code. */
export const MESSAGES = {
  not_found: "対象が見つかりません。対象は利用できない状態か、IDまたはパスに誤りがあります。",
  conflict: "要求された操作を行えません。現在の対象の状態では、この操作を受け付けできません。",
  still_creating: "要求された操作を行えません。リソースの作成処理が進行中です。完了後に再度お試しください。",
  server_power_must_be_down: "Server does not allow this operation during startup.",
  disconnect_b4_delete: "Please run after you disconnect the connection to the server.",
  busy: "サービスが利用できません。サーバが混雑しています。しばらく時間をおいてから再度お試しください。",
  locked: "要求された操作を行えません。対象はロックされています。しばらく時間をおいてから再度お試しください。",
  unauthorized: "ユーザ認証に失敗しました。",
} as const;

/** ApiError is thrown by handlers and written as the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { is_fatal: true, serial: randomBytes(16).toString("hex"), status: `${this.status} ${REASONS[this.status] ?? ""}`.trim(), error_code: this.code, error_msg: this.message };
  }
}

export const notFound = () => new ApiError(404, "not_found", MESSAGES.not_found);
export const conflict = () => new ApiError(409, "conflict", MESSAGES.conflict);
export const stillCreating = () => new ApiError(409, "still_creating", MESSAGES.still_creating);
export const powerMustBeDown = () => new ApiError(409, "server_power_must_be_down", MESSAGES.server_power_must_be_down);
export const disconnectFirst = () => new ApiError(409, "disconnect_b4_delete", MESSAGES.disconnect_b4_delete);
export const busy = () => new ApiError(503, "busy", MESSAGES.busy);
export const locked = () => new ApiError(423, "locked", MESSAGES.locked);
export const unauthorized = () => new ApiError(401, "unauthorized", MESSAGES.unauthorized);
/** badRequest carries a message naming the bad field, as validation errors do. */
export const badRequest = (message: string) => new ApiError(400, "bad_request", `不正な要求です。${message}`);
