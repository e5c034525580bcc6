/** The one task queue every Siirto workflow and activity runs on (unless a worker is told otherwise). */
export const TASK_QUEUE = 'siirto';
