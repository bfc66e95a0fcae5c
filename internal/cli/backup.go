package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

// manifestName is the file in a backup directory that describes it
// (docs/operations.md).
const manifestName = "manifest.json"

// backupManifest describes a backup: what wrote it, when, at which schema
// version, and the SHA-256 of each file.
type backupManifest struct {
	Format           int          `json:"format"`
	Store            string       `json:"store"`
	SchemaVersion    int64        `json:"schema_version"`
	InterpostVersion string       `json:"interpost_version"`
	CreatedAt        time.Time    `json:"created_at"`
	Files            []backupFile `json:"files"`
}

type backupFile struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

func backupCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "backup DIR",
		Short: "back up the SQLite database into DIR, also while a server is running",
		Long: `Copy the SQLite database of --data into DIR (created; it must be empty) with a
manifest.json naming the schema version, the Interpost version, the time (the app
clock, --now) and the SHA-256 of the copy. The copy is consistent as of one commit
and may be taken while 'interpost serve' is writing. Restore it with
'interpost restore DIR'. PostgreSQL (--db) is backed up with pg_dump: see
docs/operations.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.DB != "" {
				return postal.Invalid("backup covers the SQLite store only: back up PostgreSQL with pg_dump -Fc (docs/operations.md)")
			}
			now, err := o.clock()
			if err != nil {
				return err
			}
			dir := args[0]
			if err := emptyDir(dir, "backup directory"); err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return fmt.Errorf("create backup directory: %w", err)
			}
			started := time.Now()
			dst := filepath.Join(dir, sqlite.FileName)
			v, err := sqlite.Backup(cmd.Context(), o.Data, dst)
			if err != nil {
				return err
			}
			f, err := describe(dst)
			if err != nil {
				return err
			}
			m := backupManifest{Format: 1, Store: "sqlite", SchemaVersion: v, InterpostVersion: Version,
				CreatedAt: now().UTC().Truncate(time.Second), Files: []backupFile{f}}
			b, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, manifestName), append(b, '\n'), 0o640); err != nil {
				return fmt.Errorf("write manifest: %w", err)
			}
			if o.JSON {
				fmt.Fprintln(o.out, string(b))
				return nil
			}
			fmt.Fprintf(o.out, "Backed up %s to %s: %d bytes, schema version %d, sha256 %s (%.1fs).\n",
				filepath.Join(o.Data, sqlite.FileName), dst, f.Bytes, v, f.SHA256, time.Since(started).Seconds())
			return nil
		},
	}
}

func restoreCmd(o *Options) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "restore DIR",
		Short: "restore a backup made by 'interpost backup' into --data",
		Long: `Restore the backup in DIR into the data directory --data, which must be empty or
absent (--force replaces a database there; stop the server first). The backup's
checksums are verified and its schema version must be the one this binary runs:
restore with the release that made the backup, then start the new release, which
migrates it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.DB != "" {
				return postal.Invalid("restore covers the SQLite store only: restore PostgreSQL with pg_restore (docs/operations.md)")
			}
			m, err := readManifest(args[0])
			if err != nil {
				return err
			}
			if want := sqlite.SchemaVersion(); m.SchemaVersion != want {
				return postal.Errorf(postal.CodeConflict, "backup %s is at schema version %d (Interpost %s) but this Interpost %s runs schema version %d: restore it with the release that made it",
					args[0], m.SchemaVersion, m.InterpostVersion, Version, want)
			}
			for _, f := range m.Files {
				got, err := describe(filepath.Join(args[0], f.Name))
				if err != nil {
					return err
				}
				if got.SHA256 != f.SHA256 || got.Bytes != f.Bytes {
					return postal.Errorf(postal.CodeInvalid, "backup file %s does not match its manifest: sha256 %s (%d bytes), manifest says %s (%d bytes)",
						f.Name, got.SHA256, got.Bytes, f.SHA256, f.Bytes)
				}
			}
			if !force {
				if err := emptyDir(o.Data, "--data"); err != nil {
					return postal.Errorf(postal.CodeConflict, "%s (use --force to replace it, with the server stopped)", err.Error())
				}
			}
			if err := os.MkdirAll(o.Data, 0o750); err != nil {
				return fmt.Errorf("create data directory: %w", err)
			}
			// Copy beside the target, check it, then rename over: an
			// interrupted restore leaves the old database (or none).
			src := filepath.Join(args[0], sqlite.FileName)
			target := filepath.Join(o.Data, sqlite.FileName)
			tmp := target + ".restore"
			if err := copyTo(src, tmp); err != nil {
				return err
			}
			if err := sqlite.Check(cmd.Context(), tmp); err != nil {
				return errors.Join(err, os.Remove(tmp))
			}
			for _, stale := range []string{target + "-wal", target + "-shm"} {
				if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
					return errors.Join(fmt.Errorf("remove %s: %w", stale, err), os.Remove(tmp))
				}
			}
			if err := os.Rename(tmp, target); err != nil {
				return fmt.Errorf("restore %s: %w", target, err)
			}
			fmt.Fprintf(o.out, "Restored %s (schema version %d, Interpost %s, made %s) into %s; checksum verified.\n",
				args[0], m.SchemaVersion, m.InterpostVersion, m.CreatedAt.Format(time.RFC3339), target)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace the database in a non-empty --data (stop the server first)")
	return cmd
}

// emptyDir refuses a directory that exists and holds anything.
func emptyDir(dir, what string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s %s: %w", what, dir, err)
	}
	if len(entries) > 0 {
		return postal.Errorf(postal.CodeConflict, "%s %s is not empty (it holds %s)", what, dir, entries[0].Name())
	}
	return nil
}

func readManifest(dir string) (backupManifest, error) {
	var m backupManifest
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return m, postal.Errorf(postal.CodeInvalid, "%s is not a backup: %w", dir, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, postal.Errorf(postal.CodeInvalid, "backup manifest %s: %w", filepath.Join(dir, manifestName), err)
	}
	if m.Format != 1 || m.Store != "sqlite" || len(m.Files) != 1 || m.Files[0].Name != sqlite.FileName {
		return m, postal.Errorf(postal.CodeInvalid, "backup manifest %s: want format 1 of a sqlite store with the one file %s", filepath.Join(dir, manifestName), sqlite.FileName)
	}
	return m, nil
}

// describe returns the size and SHA-256 of a file.
func describe(path string) (backupFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return backupFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return backupFile{}, fmt.Errorf("read %s: %w", path, err)
	}
	return backupFile{Name: filepath.Base(path), Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func copyTo(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		return errors.Join(fmt.Errorf("copy %s: %w", src, err), out.Close(), os.Remove(dst))
	}
	if err := out.Sync(); err != nil {
		return errors.Join(fmt.Errorf("sync %s: %w", dst, err), out.Close())
	}
	return out.Close()
}
