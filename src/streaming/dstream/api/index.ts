// Installs the DStream API onto DStream.prototype; imported once by StreamingContext.
import "./transformations.js";
import "./pairFunctions.js";
import "./windowOperations.js";
import "./stateOperations.js";
import "./outputOperations.js";
import "./eventTimeOperations.js";
