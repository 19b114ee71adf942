// Installs the RDD API onto RDD.prototype; imported once by SparkContext.
import "./transformations.js";
import "./pairFunctions.js";
import "./actions.js";
import "./persistence.js";
import "./reshaping.js";
import "./debugString.js";
