//! Lists read page by page with the server's keyset cursor ("Показать ещё"): the rows so far,
//! the next page's cursor, the loading and error states; only the newest request may fill the
//! list (a filter typed while a page was on its way must not be overwritten by it).

use std::future::Future;

use emhana_api_types::auth::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// The state of one paged list.
pub struct KeysetList<T: Send + Sync + 'static> {
    /// The rows of every page read so far.
    pub rows: RwSignal<Vec<T>>,
    /// Where the next page starts (none: the last page is read).
    pub cursor: RwSignal<Option<String>>,
    /// A page is on its way.
    pub loading: RwSignal<bool>,
    /// Why the last read failed.
    pub error: RwSignal<Option<String>>,
    generation: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for KeysetList<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for KeysetList<T> {}

impl<T: Send + Sync + 'static> KeysetList<T> {
    /// An empty list, loading.
    pub fn new() -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            cursor: RwSignal::new(None),
            loading: RwSignal::new(true),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    /// Reads the first page again (`append` false: filters changed) or the next one, with
    /// `fetch(cursor)`.
    pub fn load<Fut>(self, append: bool, fetch: impl FnOnce(Option<String>) -> Fut)
    where
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        self.generation.update_value(|g| *g += 1);
        let mine = self.generation.get_value();
        let request = fetch(if append {
            self.cursor.get_untracked()
        } else {
            None
        });
        self.loading.set(true);
        spawn_local(async move {
            let result = request.await;
            // A later load superseded this one, or the list is gone (its page was left while
            // the request was in flight: reading its disposed values would panic the app).
            if self.generation.try_get_value() != Some(mine) {
                return;
            }
            self.loading.set(false);
            match result {
                Ok(page) => {
                    if append {
                        self.rows.update(|r| r.extend(page.items));
                    } else {
                        self.rows.set(page.items);
                    }
                    self.cursor.set(page.next_cursor);
                    self.error.set(None);
                }
                Err(e) => self.error.set(Some(e.message())),
            }
        });
    }

    /// Nothing to show: read, no rows, no error.
    pub fn is_empty(self) -> bool {
        !self.loading.get() && self.rows.with(Vec::is_empty) && self.error.with(Option::is_none)
    }

    /// Another page can be asked for.
    pub fn has_more(self) -> bool {
        self.cursor.with(Option::is_some) && !self.loading.get()
    }
}

impl<T: Send + Sync + 'static> Default for KeysetList<T> {
    fn default() -> Self {
        Self::new()
    }
}
