// Package store is the sandbox's persistence core: the state file
// (state.json in the data directory), written atomically and rolled back to
// its last save when a save fails, and the data directory's lock file,
// which keeps a second sandbox off a directory in use. What the state holds
// is the sandbox's business; the store only keeps its bytes.
package store
