package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/interpost/interpost/warehouse"
)

// maxOrderBatch bounds how many orders share one transaction.
const maxOrderBatch = 64

// orderBatch is group commit for orders on a single-writer store (SQLite):
// a commit costs an fsync (synchronous=FULL), so concurrent orders queue
// and one of them, the leader, reserves and stores the whole queue in one
// transaction. Each order runs inside its own SAVEPOINT: one refused for
// lack of stock rolls back alone, the others commit together. Every caller
// gets its answer only after the commit, so an order reported created is
// durable. PostgreSQL doesn't batch: orders of one transaction would take
// their row locks out of order across orders, risking deadlocks between
// nodes, and its writers run in parallel anyway.
type orderBatch struct {
	mu      sync.Mutex
	queue   []*orderCall
	leading bool
	// stmts are the order statements prepared once on the writer
	// connection: parsing SQL was a quarter of the writer's time.
	prepare sync.Once
	stmts   map[string]*sql.Stmt
}

// hotOrderSQL are the statements every order runs.
var hotOrderSQL = []string{sqlOrderKey, sqlReserve, sqlMove, sqlInsertOrder, sqlInsertParcel, sqlInsertKey}

// stmt returns the statement for query inside tx: the prepared one once
// this store batches orders, else query itself.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (func(args ...any) (sql.Result, error), func(args ...any) *sql.Row) {
	if st := s.orders.stmts[query]; st != nil {
		ts := tx.StmtContext(ctx, st)
		return func(args ...any) (sql.Result, error) { return ts.ExecContext(ctx, args...) },
			func(args ...any) *sql.Row { return ts.QueryRowContext(ctx, args...) }
	}
	q := s.q(query)
	return func(args ...any) (sql.Result, error) { return tx.ExecContext(ctx, q, args...) },
		func(args ...any) *sql.Row { return tx.QueryRowContext(ctx, q, args...) }
}

type orderCall struct {
	ctx     context.Context
	n       warehouse.NewOrder
	o       warehouse.Order
	created bool
	err     error
	done    chan struct{}
}

// add queues an order and waits for its result, leading the batch when no
// one else does.
func (b *orderBatch) add(ctx context.Context, s *Store, n warehouse.NewOrder) (warehouse.Order, bool, error) {
	c := &orderCall{ctx: ctx, n: n, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, c)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if lead {
		b.lead(s)
	}
	<-c.done
	return c.o, c.created, c.err
}

// lead runs batches until the queue is empty.
func (b *orderBatch) lead(s *Store) {
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.leading = false
			b.mu.Unlock()
			return
		}
		n := min(len(b.queue), maxOrderBatch)
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		b.mu.Unlock()
		s.runOrderBatch(b, batch)
	}
}

func (s *Store) runOrderBatch(b *orderBatch, batch []*orderCall) {
	// The batch outlives any one caller's context: a caller that gave up
	// is skipped, but can't abort the others' transaction.
	ctx := context.WithoutCancel(batch[0].ctx)
	b.prepare.Do(func() {
		stmts := map[string]*sql.Stmt{}
		for _, q := range hotOrderSQL {
			if st, err := s.W.PrepareContext(ctx, q); err == nil {
				stmts[q] = st
			} // else the query is parsed each time, as without the cache
		}
		b.stmts = stmts
	})
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, c := range batch {
			if c.err = c.ctx.Err(); c.err != nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT o`); err != nil {
				return s.wrap(err, "savepoint")
			}
			c.o, c.created, c.err = s.createOrderTx(ctx, tx, c.n)
			if c.err != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO o`); err != nil {
					return s.wrap(err, "roll back to savepoint")
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE o`); err != nil {
				return s.wrap(err, "release savepoint")
			}
		}
		return nil
	})
	for _, c := range batch {
		if err != nil && c.err == nil {
			c.o, c.created, c.err = warehouse.Order{}, false, errors.Join(errors.New("commit order batch"), err)
		}
		close(c.done)
	}
}
