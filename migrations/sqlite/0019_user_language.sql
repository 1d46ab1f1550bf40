-- The language each staff member reads the SPA in (ru | kk | en): kept per account so a shared
-- front-desk computer follows whoever signs in. Checked by the domain (UiLanguage) on write.
ALTER TABLE users ADD COLUMN ui_language TEXT NOT NULL DEFAULT 'ru';
