export function slug(text: string) {
  return text.trim().toLowerCase().replace(/\s+/g, '-');
}
