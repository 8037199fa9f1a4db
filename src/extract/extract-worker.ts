import { runInBackground } from '../threads/priority.js';
import { extractWork, type PageWork, type WorkResult } from './work.js';

runInBackground();

/** The entry point of each worker thread of the extraction pool. */
export default function (work: PageWork): WorkResult {
  return extractWork(work);
}
