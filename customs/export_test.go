package customs

// SetImportBatches sets how many declarations a manifest import screens
// together and commits per transaction, and returns what restores them.
func SetImportBatches(batch, commit int) (restore func()) {
	b, c := batchSize, commitEvery
	batchSize, commitEvery = batch, commit
	return func() { batchSize, commitEvery = b, c }
}
