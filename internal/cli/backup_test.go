package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestBackupRestore(t *testing.T) {
	data := t.TempDir()
	if code, out, errOut := run(t, "demo", "--data", data, "--no-serve", "--shipments", "20"); code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errOut)
	}
	bk := filepath.Join(t.TempDir(), "bk")
	code, out, errOut := run(t, "backup", bk, "--data", data)
	if code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	var m backupManifest
	b, err := os.ReadFile(filepath.Join(bk, manifestName))
	if err != nil || json.Unmarshal(b, &m) != nil {
		t.Fatalf("manifest: %v %s", err, b)
	}
	if !m.CreatedAt.Equal(testNow) || m.SchemaVersion == 0 || m.InterpostVersion != Version || len(m.Files) != 1 || len(m.Files[0].SHA256) != 64 {
		t.Errorf("manifest: %+v", m)
	}
	if code, _, errOut := run(t, "backup", bk, "--data", data); code != 4 || !strings.Contains(errOut, "not empty") {
		t.Errorf("backup into a used directory: %d %s", code, errOut)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if code, out, errOut := run(t, "restore", bk, "--data", restored); code != 0 || !strings.Contains(out, "checksum verified") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	// The restored store serves the same shipments.
	if code, out, errOut := run(t, "offices", "list", "--data", restored); code != 0 || !strings.Contains(out, "CNXMNA") {
		t.Errorf("restored store: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "restore", bk, "--data", restored); code != 4 || !strings.Contains(errOut, "not empty") || !strings.Contains(errOut, "--force") {
		t.Errorf("restore into a used directory: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "restore", bk, "--data", restored, "--force"); code != 0 {
		t.Errorf("restore --force: %d %s", code, errOut)
	}

	t.Run("OtherSchemaVersion", func(t *testing.T) {
		dir := copyBackup(t, bk)
		other := m
		other.SchemaVersion, other.InterpostVersion = m.SchemaVersion+7, "v9.9.9"
		writeManifest(t, dir, other)
		code, _, errOut := run(t, "restore", dir, "--data", t.TempDir())
		want := []string{"schema version " + strconv.FormatInt(m.SchemaVersion+7, 10), "Interpost v9.9.9", "runs schema version " + strconv.FormatInt(m.SchemaVersion, 10)}
		for _, w := range want {
			if code != 4 || !strings.Contains(errOut, w) {
				t.Errorf("restore of another version: %d %s (want %q)", code, errOut, w)
			}
		}
	})
	t.Run("AlteredFile", func(t *testing.T) {
		dir := copyBackup(t, bk)
		f, err := os.OpenFile(filepath.Join(dir, "interpost.db"), os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("tampered"), 5000); err != nil {
			t.Fatal(err)
		}
		f.Close()
		target := t.TempDir()
		code, _, errOut := run(t, "restore", dir, "--data", target)
		if code != 2 || !strings.Contains(errOut, "does not match its manifest") || !strings.Contains(errOut, m.Files[0].SHA256) {
			t.Errorf("restore of an altered file: %d %s", code, errOut)
		}
		if entries, _ := os.ReadDir(target); len(entries) != 0 {
			t.Errorf("an altered backup left %d files in --data", len(entries))
		}
	})
	t.Run("NotABackup", func(t *testing.T) {
		if code, _, errOut := run(t, "restore", t.TempDir(), "--data", t.TempDir()); code != 2 || !strings.Contains(errOut, "is not a backup") {
			t.Errorf("restore of an empty directory: %d %s", code, errOut)
		}
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		if code, _, errOut := run(t, "backup", t.TempDir()+"/x", "--db", "postgres://u@127.0.0.1:1/x"); code != 2 || !strings.Contains(errOut, "pg_dump") {
			t.Errorf("backup --db: %d %s", code, errOut)
		}
	})
}

func copyBackup(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{manifestName, "interpost.db"} {
		if err := copyTo(filepath.Join(from, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeManifest(t *testing.T, dir string, m backupManifest) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName), b, 0o640); err != nil {
		t.Fatal(err)
	}
}
