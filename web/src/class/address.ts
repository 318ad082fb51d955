// The class server's address as a student types it ("10.0.0.5:8080",
// "http://lab.school.example") turned into the base of its class routes.

/** ".../api/v1/class" for `text`, or an error message. */
export function classBase(text: string): { base: string } | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'enter the class server\'s address (your instructor gives it, e.g. http://10.0.0.5:8080)' };
  let url: URL;
  try { url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`); } catch { return { error: `"${t}" is not an address` }; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'the address must start with http:// or https://' };
  if (url.username || url.password) return { error: 'the address must not hold a user name or password' };
  return { base: `${url.origin}/api/v1/class` };
}
