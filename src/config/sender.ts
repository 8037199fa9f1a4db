/** The default sender: the site's name and contact address, else no-reply at the site's host. */
export function senderFor(name: string, contact: string | null | undefined, baseUrl: string): string {
  const address = contact ?? `no-reply@${new URL(baseUrl).hostname}`;
  return `"${name.replace(/["\\]/g, '')}" <${address}>`;
}
