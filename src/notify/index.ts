export { createNotifier, notifierSecrets, NOTIFY_DEFAULTS, type Notifier, type NotifierDeps, type NotifyOutcome } from './notifier.js';
export type { NotifyEvent, NotifyRequest, NotifySeverity, RunNotification } from './payload.js';
export { webhookRequest } from './formats/webhook.js';
export { slackRequest } from './formats/slack.js';
export { telegramRequest, telegramToken } from './formats/telegram.js';
export { receiverLabel } from './receivers.js';
