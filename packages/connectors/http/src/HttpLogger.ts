/** Where the connector reports what it does on the user's behalf (discarded entities, failing handlers). `console` by default. */
export interface HttpLogger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}
