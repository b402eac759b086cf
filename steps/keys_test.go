package steps

import "testing"

// One "keys not set" message for every command: it names the variables that are missing
// (only those) and where to set them, and never a value.
func TestKeysNotSetNamesTheMissingKeysAndWhereToSetThem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a    Answers
		k    Keys
		want string
	}{
		{"both storage keys", Answers{Storage: Storage{Provider: "linode"}}, StorageKeys,
			"S3_ACCESS_KEY and S3_SECRET_KEY: not set; export the storage keys of linode (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"},
		{"the secret key only", Answers{Storage: Storage{Provider: "vultr"}, Secrets: Secrets{S3AccessKey: "AKVALUE"}}, StorageKeys,
			"S3_SECRET_KEY: not set; export the storage keys of vultr (or AWS_SECRET_ACCESS_KEY)"},
		{"aws may use its chain", Answers{Storage: Storage{Provider: "aws"}}, StorageKeys, ""},
		{"storage keys set", Answers{Storage: Storage{Provider: "linode"}, Secrets: Secrets{S3AccessKey: "a", S3SecretKey: "b"}}, StorageKeys, ""},
		{"backup keys", Answers{Storage: Storage{Provider: "linode"}, Backup: Backup{Provider: "exoscale"},
			Secrets: Secrets{S3AccessKey: "a", S3SecretKey: "b"}}, BackupKeys,
			"BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY: not set; export the keys of the backup target (exoscale)"},
		{"the backup access key only", Answers{Backup: Backup{Provider: "exoscale"}, Secrets: Secrets{BackupS3SecretKey: "SKVALUE"}}, BackupKeys,
			"BACKUP_S3_ACCESS_KEY: not set; export the keys of the backup target (exoscale)"},
		{"backup at aws", Answers{Backup: Backup{Provider: "aws"}}, BackupKeys, ""},
	}
	for _, c := range cases {
		err := c.a.KeysNotSet(c.k)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
