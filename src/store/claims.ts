/** How a poller or an extraction worker claims work: for how long, and how many at once per host. */
export interface ClaimOptions {
  claimMs: number;
  perHost: number;
}
