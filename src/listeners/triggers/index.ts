/** Every provider webhook Thread serves at `/webhooks/:provider`. */
import type { Services } from '../../app/services.js';
import { hubspotWebhook } from './hubspot/webhook.js';
import { notionWebhook } from './notion/webhook.js';
import { webhooksRouter } from './webhook-route.js';

export const webhooks = (services: Services) => webhooksRouter(services, [hubspotWebhook, notionWebhook]);
