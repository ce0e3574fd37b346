// Package worker owns photorec's ingest pipeline on Asynq: pull tasks (Flickr) and ingest tasks
// (graph writes), the refresh scheduler, and the pipeline's metrics. It drives refresh runs; their
// state, progress, reasons and job ids are package runs'.
// It takes the graph and the Flickr client through small interfaces declared here.
//
// Must not import: ./config, ./graph/embedded, ./graph/neo4j, ./server
package worker
