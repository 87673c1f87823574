/**
 * Posts stored the way a broadcast stores them, by another process sharing Thread's database: the rows
 * and their jobs, no worker of its own — the Thread processes under test post them.
 */
import { openDatabase } from '../../src/app/db.js';
import { startJobs } from '../../src/app/jobs.js';
import { createLogger } from '../../src/app/logger.js';
import type { Services } from '../../src/app/services.js';
import { type DeliveryRequest, enqueueDeliveries } from '../../src/domain/deliveries/deliveries.js';
import { JOB_SPECS } from '../../src/listeners/jobs/index.js';

/** Stores `requests` and queues their jobs; returns how many were new. */
export async function storePosts(databaseUrl: string, requests: readonly DeliveryRequest[]): Promise<number> {
  const database = await openDatabase({ databaseUrl });
  const logger = createLogger({ level: 'silent' });
  const jobs = await startJobs(database, {}, JOB_SPECS as never, logger, { work: false, schedules: false });
  try {
    return await enqueueDeliveries({ db: database.db, jobs, logger } as unknown as Services, requests);
  } finally {
    await jobs.stop(1000);
    await database.close();
  }
}
