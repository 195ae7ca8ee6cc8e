export { ConsoleServer, MAX_BODY_BYTES, type ConsoleServerOptions } from './console-server.js';
export { MAX_CONSOLE_CONNECTIONS } from './connection-limit.js';
export { ConsoleHost, type ConsoleHostOptions } from './console-host.js';
export { ConsoleError, CONSOLE_ERROR_STATUS, type ConsoleErrorCode } from './console-error.js';
export { ConsoleSessions, SESSION_COOKIE, CSRF_HEADER } from './console-session.js';
export { CONTENT_SECURITY_POLICY, isLoopbackHost } from './request-guard.js';
export { ActivityLog, type ActivityRecord } from './activity-log.js';
export { writeLaunchPage } from './launch-page.js';
