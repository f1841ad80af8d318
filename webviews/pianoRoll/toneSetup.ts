// Imported before any Tone.js module: Tone logs a banner to the console when it loads unless
// told not to.
(window as unknown as { TONE_SILENCE_LOGGING: boolean }).TONE_SILENCE_LOGGING = true;

export {};
