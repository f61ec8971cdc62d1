/**
 * Topic vocabularies, languages, countries and genre codes for the synthetic generator.
 * Each latent topic owns a set of pseudo-words, a primary language (hence likely countries), a
 * typical listener age and two BISAC-like genre codes, so text, language, genre and
 * demographics all carry topic signal.
 */
import type { Rng } from './rng.ts';

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'cl', 'dr', 'fl', 'gr', 'kr', 'pl', 'st', 'tr', 'sh', 'th'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea', 'io'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 'x', 'm', 'nd', 'st'];

/** Filler words shared by every topic (carry no topic signal). */
export const FILLER = ('the a of and to in on with for about from story life guide world time people new way '
  + 'history journey secrets stories lessons art science voices inside beyond everything little great last first '
  + 'days night year house road home city love war mind power truth game heart light').split(' ');

/** language -> countries where it is primary (first = most likely). */
export const LANG_COUNTRIES: Readonly<Record<string, readonly string[]>> = {
  en: ['US', 'GB', 'CA', 'AU'],
  es: ['ES', 'MX', 'AR'],
  de: ['DE', 'AT'],
  fr: ['FR', 'BE'],
  pt: ['BR', 'PT'],
  sv: ['SE'],
};
export const ALL_COUNTRIES: readonly string[] = Object.values(LANG_COUNTRIES).flat();
/** topic-language draw: about half of the topics are English */
const LANG_POOL = ['en', 'en', 'en', 'en', 'es', 'de', 'fr', 'pt', 'sv'];
const BISAC = ['FIC', 'BIO', 'BUS', 'HIS', 'SCI', 'SEL', 'TRU', 'HEA', 'COM', 'PHI', 'POL', 'SPO', 'TRV', 'CKB', 'PSY', 'REL'];
const MUSIC_GENRES = ['pop', 'rock', 'hiphop', 'jazz', 'classical', 'electronic', 'folk', 'metal', 'rnb', 'latin', 'country', 'indie'];

export interface Topic {
  words: string[];
  language: string;
  ageMean: number;
  genres: [string, string];
  musicGenre: string;
}

/** Draws `n` topics with disjoint vocabularies of `wordsPerTopic` pseudo-words. */
export function makeTopics(rng: Rng, n: number, wordsPerTopic = 40): Topic[] {
  const used = new Set<string>(FILLER);
  const word = (): string => {
    for (;;) {
      const syl = 2 + rng.int(2);
      let w = '';
      for (let s = 0; s < syl; s++) w += ONSETS[rng.int(ONSETS.length)] + VOWELS[rng.int(VOWELS.length)];
      w += CODAS[rng.int(CODAS.length)];
      if (!used.has(w)) { used.add(w); return w; }
    }
  };
  const topics: Topic[] = [];
  for (let t = 0; t < n; t++) {
    const words: string[] = [];
    for (let k = 0; k < wordsPerTopic; k++) words.push(word());
    const prefix = BISAC[t % BISAC.length];
    const code = (x: number) => `${prefix}${String(x).padStart(3, '0')}`;
    topics.push({
      words,
      language: LANG_POOL[rng.int(LANG_POOL.length)],
      ageMean: 20 + rng.next() * 40,
      genres: [code(1 + ((t * 7) % 90)), code(1 + ((t * 7 + 3) % 90))],
      musicGenre: MUSIC_GENRES[t % MUSIC_GENRES.length],
    });
  }
  return topics;
}

function cap(w: string): string { return w.charAt(0).toUpperCase() + w.slice(1); }

/** Title from the item's topic vocabulary (plus a type-specific template). */
export function makeTitle(rng: Rng, type: string, main: Topic): string {
  const w = () => cap(main.words[rng.int(main.words.length)]);
  if (type === 'podcast') {
    const forms = [() => `The ${w()} ${w()} Show`, () => `${w()} ${w()} Podcast`, () => `${w()} Talk`, () => `${w()} and ${w()}`];
    return forms[rng.int(forms.length)]();
  }
  if (type === 'audiobook') {
    const forms = [() => `The ${w()} of ${w()}`, () => `${w()} ${w()}`, () => `${w()}: A ${w()} Story`, () => `The Last ${w()}`];
    return forms[rng.int(forms.length)]();
  }
  return `${w()} ${w()}`;
}

/**
 * Description of `len` words: 55% main-topic words, 15% secondary-topic words, 30% filler.
 */
export function makeDescription(rng: Rng, main: Topic, second: Topic, len: number): string {
  const out: string[] = [];
  for (let k = 0; k < len; k++) {
    const u = rng.next();
    const src = u < 0.55 ? main.words : u < 0.7 ? second.words : FILLER;
    out.push(src[rng.int(src.length)]);
  }
  return out.join(' ');
}
