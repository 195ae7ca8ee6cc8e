export { UiError, UI_ERROR_CODES, type UiErrorCode } from './ui-error.js';
export * from './view-tree.js';
export { validateEvent, MAX_EVENT_FORM_FIELDS, type UiEvent } from './ui-event.js';
export { AppScreens, UI_RENDER_COMMAND, UI_EVENT_COMMAND, UI_CAPABILITY, type ScreenResult, type ScreenHost } from './app-screen.js';
