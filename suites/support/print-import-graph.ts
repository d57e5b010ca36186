import { currentFolderGraph, graphLines } from "./import-graph.js";

/** Prints the folder-level import graph of mock-server/src as `a -> b` lines (`npm run imports:graph`). */
for (const line of graphLines(currentFolderGraph())) console.log(line);
