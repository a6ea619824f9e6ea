// Display names and descriptions in the browser's language (navigator.languages), falling back to English.

/** The languages the browser prefers, most preferred first. */
export function languages() {
  const list = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  return [...list, 'en'];
}

/** The language to ask the center for (the form endpoint resolves x-title with it). */
export function language() {
  return languages()[0];
}

/** The text for the browser's language from a per-language map ({ en, 'zh-CN' }), else English, else any. */
export function pick(texts) {
  if (texts === null || texts === undefined) return '';
  if (typeof texts === 'string') return texts;
  const keys = Object.keys(texts);
  for (const wanted of languages()) {
    const exact = keys.find((k) => k.toLowerCase() === wanted.toLowerCase());
    if (exact) return texts[exact];
    const base = wanted.split('-')[0].toLowerCase();
    const near = keys.find((k) => k.toLowerCase() === base) ?? keys.find((k) => k.split('-')[0].toLowerCase() === base);
    if (near) return texts[near];
  }
  return keys.length ? texts[keys[0]] : '';
}

/** The language a map's pick came from, for the lang attribute of the element showing it. */
export function pickLanguage(texts) {
  if (!texts || typeof texts === 'string') return undefined;
  const text = pick(texts);
  return Object.keys(texts).find((k) => texts[k] === text);
}
