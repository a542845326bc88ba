import { slug } from './slug.mjs';
import legacy from './legacy.cjs';

export function title(text: string) {
  return slug(text) + legacy.suffix;
}
