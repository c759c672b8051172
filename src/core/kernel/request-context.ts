/** Where a request came from, as the web layer saw it. Recorded, mailed, never trusted for decisions. */
export interface RequestContext {
  ip: string;
  userAgent: string;
  /** Ties audit events and log lines of one request together. */
  requestId: string;
}
