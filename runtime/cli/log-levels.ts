/** The node's log levels, least severe first (`peeros node --log-level`; node-log.ts filters by them). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
