// Run names as MLflow makes them when none is given: "<adjective>-<noun>-<0..999>".
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'able', 'agile', 'amazing', 'ample', 'bold', 'brave', 'bright', 'calm', 'capable', 'clean', 'clever', 'crisp',
  'curious', 'dapper', 'daring', 'eager', 'easy', 'fair', 'fast', 'fearless', 'fine', 'gentle', 'glad', 'grand',
  'handsome', 'honest', 'keen', 'kind', 'lively', 'lucky', 'merry', 'mellow', 'neat', 'nimble', 'noble', 'placid',
  'polite', 'proud', 'quick', 'quiet', 'rare', 'sharp', 'shy', 'silent', 'smart', 'steady', 'sunny', 'swift',
  'tasteful', 'tidy', 'upbeat', 'vivid', 'warm', 'wise', 'witty', 'zealous',
];

const NOUNS = [
  'ant', 'ape', 'asp', 'auk', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar', 'bug', 'calf', 'carp', 'cat', 'colt',
  'conch', 'cow', 'crab', 'crane', 'croc', 'crow', 'cub', 'deer', 'doe', 'dog', 'dove', 'duck', 'eel', 'elk',
  'finch', 'fish', 'foal', 'fowl', 'fox', 'frog', 'gnat', 'goat', 'goose', 'grub', 'gull', 'hare', 'hawk', 'hen',
  'hog', 'horse', 'hound', 'jay', 'kite', 'koi', 'lamb', 'lark', 'loon', 'lynx', 'mink', 'mole', 'moose', 'moth',
  'mouse', 'mule', 'newt', 'owl', 'ox', 'panda', 'penguin', 'perch', 'pig', 'pug', 'quail', 'ram', 'rat', 'ray',
  'robin', 'roo', 'rook', 'seal', 'shad', 'shark', 'sheep', 'shrew', 'skink', 'slug', 'snail', 'snake', 'sow',
  'squid', 'stag', 'stoat', 'swan', 'toad', 'trout', 'wasp', 'whale', 'wolf', 'worm', 'wren', 'yak', 'zebra',
];

export function randomRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
