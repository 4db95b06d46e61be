import { randomBytes, randomInt } from 'node:crypto';

// Docker-style generated names: adjective_scientist. Short lists: uniqueness comes from the retry.
const ADJECTIVES = [
  'admiring', 'agile', 'amazing', 'bold', 'brave', 'busy', 'calm', 'clever', 'cool', 'crazy', 'dazzling',
  'eager', 'ecstatic', 'elegant', 'epic', 'fervent', 'focused', 'friendly', 'gallant', 'gifted', 'happy',
  'hopeful', 'jolly', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical', 'modest', 'nice', 'nifty',
  'optimistic', 'peaceful', 'pensive', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'sweet', 'tender',
  'trusting', 'upbeat', 'vibrant', 'vigilant', 'wizardly', 'wonderful', 'youthful', 'zealous',
];
const NAMES = [
  'albattani', 'babbage', 'bardeen', 'bell', 'bohr', 'cerf', 'curie', 'darwin', 'dijkstra', 'einstein',
  'euler', 'faraday', 'fermi', 'feynman', 'franklin', 'galileo', 'gauss', 'goldberg', 'hamilton', 'hopper',
  'hypatia', 'johnson', 'kepler', 'knuth', 'lamport', 'liskov', 'lovelace', 'maxwell', 'mccarthy', 'meitner',
  'newton', 'noether', 'pascal', 'pike', 'ritchie', 'shannon', 'sinoussi', 'thompson', 'torvalds', 'turing',
  'wilson', 'wozniak', 'yalow', 'yonath',
];

export function generateName(taken: (name: string) => boolean): string {
  for (let i = 0; i < 20; i++) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NAMES[randomInt(NAMES.length)]}${i > 3 ? String(randomInt(10)) : ''}`;
    if (!taken(name)) return name;
  }
  return `berth_${randomBytes(6).toString('hex')}`;
}

/** 64 hex characters, as docker's ids. */
export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}
