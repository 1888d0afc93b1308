//! Group commit: deliveries arriving together are written in one SQLite
//! transaction by a dedicated thread, and each request is acknowledged only
//! after that transaction commits.

use std::sync::Arc;

use reqlink_store::{DeliveryInsert, NewDelivery, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

const MAX_BATCH: usize = 512;

type Reply = oneshot::Sender<Result<DeliveryInsert, String>>;

#[derive(Clone)]
pub struct Committer {
    tx: mpsc::Sender<(NewDelivery, Reply)>,
}

impl Committer {
    pub fn start(store: Arc<Store>) -> Committer {
        let (tx, mut rx) = mpsc::channel::<(NewDelivery, Reply)>(4096);
        std::thread::Builder::new()
            .name("reqlink-inbox-commit".into())
            .spawn(move || {
                while let Some(first) = rx.blocking_recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    let (deliveries, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
                    match store.insert_deliveries(&deliveries) {
                        Ok(results) => {
                            for (reply, result) in replies.into_iter().zip(results) {
                                let _ = reply.send(Ok(result));
                            }
                        }
                        Err(e) => {
                            let message = describe(&e);
                            for reply in replies {
                                let _ = reply.send(Err(message.clone()));
                            }
                        }
                    }
                }
            })
            .expect("spawning the inbox commit thread");
        Committer { tx }
    }

    /// Resolves once the delivery is committed (or known as a duplicate).
    pub async fn commit(&self, delivery: NewDelivery) -> Result<DeliveryInsert, String> {
        let (reply, done) = oneshot::channel();
        self.tx
            .send((delivery, reply))
            .await
            .map_err(|_| "the inbox writer has stopped".to_string())?;
        done.await
            .map_err(|_| "the inbox writer has stopped".to_string())?
    }
}

fn describe(e: &StoreError) -> String {
    e.to_string()
}
