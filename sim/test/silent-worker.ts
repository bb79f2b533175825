// A worker that starts and never answers: the arrival feed's tests stand it for a worker that died.
export {};
