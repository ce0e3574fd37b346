// Package eval is photorec's offline evaluation: it splits a favorites data set into training
// faves and held-out (user, photo) pairs, loads the training faves into a graph engine, ranks the
// whole catalog per user under each algorithm, and reports HR, Recall and NDCG at K, coverage
// and time per user. It must not import HTTP, queue or Flickr packages; main wires the engine.
package eval
