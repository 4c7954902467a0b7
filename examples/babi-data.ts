// Generated bAbI-style stories (after Weston et al. 2015's tasks 1 and 2) for the memory-network
// example, its test and the README: people move between rooms and pick up objects; a question asks
// where a person or an object is.
//   task 1, one supporting fact:  "mary went to the kitchen. john moved to the garden. where is mary?"
//   task 2, two supporting facts: "john picked up the football. john went to the hallway. where is the football?"
// (task 2 needs the pick-up to find who holds the object and that person's last move to find the room).

export const PEOPLE = ['mary', 'john', 'sandra', 'daniel'];
export const ROOMS = ['kitchen', 'garden', 'hallway', 'bathroom', 'office', 'bedroom'];
export const OBJECTS = ['football', 'apple', 'milk'];
const MOVES = ['went to', 'moved to', 'journeyed to', 'travelled to'];
const TAKES = ['picked up', 'got', 'grabbed'];

/** Every word of the stories and questions; id 0 is padding, so word i has id i + 1. */
export const VOCAB = [
  ...new Set([...PEOPLE, ...ROOMS, ...OBJECTS, ...MOVES.join(' ').split(' '), ...TAKES.join(' ').split(' '), 'the', 'where', 'is']),
];

/** A story as text, its question, the answer (a room) and the indices of the supporting sentences. */
export interface Story {
  sentences: string[];
  question: string;
  answer: string;
  supporting: number[];
}

const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/** A task-1 story of 2..maxSentences moves and a question about someone who moved. */
export function singleFactStory(rng: () => number, maxSentences = 8): Story {
  const n = 2 + Math.floor(rng() * (maxSentences - 1));
  const sentences: string[] = [];
  const where = new Map<string, { room: string; at: number }>();
  for (let i = 0; i < n; i++) {
    const p = pick(rng, PEOPLE);
    const room = pick(rng, ROOMS);
    sentences.push(`${p} ${pick(rng, MOVES)} the ${room}`);
    where.set(p, { room, at: i });
  }
  const who = pick(rng, [...where.keys()]);
  const w = where.get(who)!;
  return { sentences, question: `where is ${who}`, answer: w.room, supporting: [w.at] };
}

/** A task-2 story of up to maxSentences moves and pick-ups, asking where a picked-up object is. */
export function twoFactStory(rng: () => number, maxSentences = 10): Story {
  for (;;) {
    const n = 3 + Math.floor(rng() * (maxSentences - 2));
    const sentences: string[] = [];
    const where = new Map<string, { room: string; at: number }>();
    const holder = new Map<string, { who: string; at: number }>();
    for (let i = 0; i < n; i++) {
      const p = pick(rng, PEOPLE);
      const free = OBJECTS.filter((o) => !holder.has(o));
      if (free.length > 0 && rng() < 0.35) {
        const o = pick(rng, free);
        sentences.push(`${p} ${pick(rng, TAKES)} the ${o}`);
        holder.set(o, { who: p, at: i });
      } else {
        const room = pick(rng, ROOMS);
        sentences.push(`${p} ${pick(rng, MOVES)} the ${room}`);
        where.set(p, { room, at: i });
      }
    }
    const known = [...holder.entries()].filter(([, h]) => where.has(h.who));
    if (known.length === 0) continue;
    const [obj, h] = pick(rng, known);
    const w = where.get(h.who)!;
    return { sentences, question: `where is the ${obj}`, answer: w.room, supporting: [h.at, w.at].sort((a, b) => a - b) };
  }
}

/** Word ids of a text (the words of VOCAB), right-padded with 0 to `width`. */
export function encode(text: string, width: number): number[] {
  const ids = text.split(' ').map((w) => {
    const i = VOCAB.indexOf(w);
    if (i < 0) throw new Error(`babi-data: unknown word '${w}'`);
    return i + 1;
  });
  if (ids.length > width) throw new Error(`babi-data: '${text}' has ${ids.length} words, more than ${width}`);
  return [...ids, ...new Array(width - ids.length).fill(0)];
}

/** The longest sentence or question, in words. */
export const WORDS = 5;

/** A batch of stories as ids: story [B, S, WORDS] (sentences padded to S), question [B, WORDS], answer room indices. */
export function storyBatch(stories: Story[], S: number): { story: number[][][]; question: number[][]; answers: number[] } {
  return {
    story: stories.map((s) => {
      const rows = s.sentences.map((x) => encode(x, WORDS));
      while (rows.length < S) rows.push(new Array(WORDS).fill(0));
      return rows;
    }),
    question: stories.map((s) => encode(s.question, WORDS)),
    answers: stories.map((s) => ROOMS.indexOf(s.answer)),
  };
}
