// The whole worker script of fitInWorker: the library, and serveFit().
import * as rnn from '/dist/index.js';

rnn.serveFit();
