//! The filesystem blob store: a directory per attachment under the root, named by its id, holding
//! one file per part named by its number. A part is written to a temporary file of its own,
//! synced, renamed into place and the directory synced, so that a part is either absent or whole
//! and durable; a retry replaces it whole. Files are 0600 and directories 0700, and their access
//! and modification times are set to the hour (the change time, which the kernel keeps, cannot
//! be: SECURITY.md). The work runs on the blocking pool, never on the async threads.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::{BlobError, BlobStore};
use crate::domain::AttachmentId;

pub struct FsBlobs {
    root: PathBuf,
}

impl FsBlobs {
    /// The store at `root`, created (0700) if missing; a root others can read is refused.
    pub fn open(root: &Path) -> Result<Self, BlobError> {
        DirBuilder::new().recursive(true).mode(0o700).create(root)?;
        crate::os::files::check_private(root)?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    fn dir(&self, id: &AttachmentId) -> PathBuf {
        self.root.join(id.to_string())
    }
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, BlobError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(BlobError::from),
        Err(e) => Err(BlobError::Unavailable(e.to_string())),
    }
}

/// Makes a directory's entries (a new file, a rename, a removal) durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The hour a file's or directory's times are set to: files keep when they were written to the
/// nanosecond, and a part's would date its upload, which the database keeps to the hour.
fn hour() -> std::fs::FileTimes {
    let secs = u64::try_from(crate::time::now_bucket()).unwrap_or_default();
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    std::fs::FileTimes::new().set_accessed(at).set_modified(at)
}

/// Sets a directory's times to the hour.
fn blur_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.set_times(hour())
}

fn write_part(root: &Path, dir: &Path, part: u64, bytes: &[u8]) -> std::io::Result<()> {
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    // Synced for the first part whoever made the directory: an earlier attempt may have made it
    // and died before syncing it.
    if part == 0 {
        blur_dir(root)?;
        sync_dir(root)?;
    }
    // A name of its own, so that two requests writing the same part never share a file.
    let suffix: u64 = rand::random();
    let temporary = dir.join(format!("{part}.{suffix:016x}.tmp"));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.set_times(hour())?;
        file.sync_all()?;
        fs::rename(&temporary, dir.join(part.to_string()))?;
        blur_dir(dir)?;
        sync_dir(dir)
    })();
    if written.is_err() {
        // Best effort: the write already failed, and that is what the caller hears.
        let _ = fs::remove_file(&temporary);
        let _ = blur_dir(dir);
    }
    written
}

#[async_trait::async_trait]
impl BlobStore for FsBlobs {
    async fn put_part(
        &self,
        id: &AttachmentId,
        part: u64,
        bytes: Vec<u8>,
    ) -> Result<(), BlobError> {
        let (root, dir) = (self.root.clone(), self.dir(id));
        blocking(move || write_part(&root, &dir, part, &bytes)).await
    }

    async fn part(&self, id: &AttachmentId, part: u64) -> Result<Vec<u8>, BlobError> {
        let path = self.dir(id).join(part.to_string());
        blocking(move || fs::read(path)).await
    }

    async fn delete(&self, id: &AttachmentId) -> Result<(), BlobError> {
        let (root, dir) = (self.root.clone(), self.dir(id));
        blocking(move || match fs::remove_dir_all(&dir) {
            Ok(()) => blur_dir(&root).and_then(|()| sync_dir(&root)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
        .await
    }

    async fn list(&self) -> Result<Vec<AttachmentId>, BlobError> {
        let root = self.root.clone();
        blocking(move || {
            let mut ids = vec![];
            for entry in fs::read_dir(&root)? {
                let name = entry?.file_name();
                if let Some(id) = name.to_str().and_then(|n| AttachmentId::parse(n).ok()) {
                    ids.push(id);
                }
            }
            Ok(ids)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn parts_are_private_whole_and_deleted_with_their_attachment() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("blobs");
        let store = FsBlobs::open(&root).unwrap();
        assert_eq!(mode(&root), 0o700);
        let (a, b) = (AttachmentId::random(), AttachmentId::random());
        store.put_part(&a, 0, vec![1; 10]).await.unwrap();
        store.put_part(&a, 1, vec![2; 5]).await.unwrap();
        store.put_part(&a, 1, vec![3; 5]).await.unwrap();
        store.put_part(&b, 0, vec![4; 1]).await.unwrap();
        assert_eq!(store.part(&a, 0).await.unwrap(), vec![1; 10]);
        assert_eq!(
            store.part(&a, 1).await.unwrap(),
            vec![3; 5],
            "a retry replaces"
        );
        assert!(matches!(store.part(&a, 2).await, Err(BlobError::Missing)));
        let part = root.join(a.to_string()).join("0");
        assert_eq!(mode(&part), 0o600);
        for path in [&part, &root.join(a.to_string()), &root] {
            let modified = fs::metadata(path).unwrap().modified().unwrap();
            let secs = modified
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            assert_eq!(secs % 3600, 0, "{} keeps only the hour", path.display());
        }
        assert_eq!(mode(part.parent().unwrap()), 0o700);
        let names: Vec<_> = fs::read_dir(root.join(a.to_string()))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
        let mut listed = store.list().await.unwrap();
        listed.sort_by_key(|id| id.to_string());
        let mut both = vec![a, b];
        both.sort_by_key(|id| id.to_string());
        assert_eq!(listed, both);
        store.delete(&a).await.unwrap();
        store.delete(&a).await.unwrap();
        assert_eq!(store.list().await.unwrap(), vec![b]);
        assert!(!root.join(a.to_string()).exists());
    }

    #[tokio::test]
    async fn orphans_are_the_blobs_without_a_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobs::open(&dir.path().join("blobs")).unwrap();
        let (kept, orphan) = (AttachmentId::random(), AttachmentId::random());
        store.put_part(&kept, 0, vec![1]).await.unwrap();
        store.put_part(&orphan, 0, vec![2]).await.unwrap();
        let rows = || async { Ok::<_, std::convert::Infallible>(vec![kept]) };
        assert_eq!(
            super::super::orphans(&store, rows).await.unwrap(),
            vec![orphan]
        );
    }

    #[test]
    fn a_root_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(FsBlobs::open(dir.path()).is_err());
    }
}
