//! The SPA's build and its weight. Trunk builds each bundle (`emhana_api_types::spa`): the full
//! one from `frontend/full.html`, the front desk's from `frontend/index.html`, each into its own
//! folder under `target/spa/`; both land in `dist/` (hashed names never collide) with a `.br` and
//! a `.gz` beside every text asset, each compressed once as tightly as its format allows (brotli
//! quality 11; gzip by Zopfli, which any gzip reader inflates but which packs ~4 % tighter than
//! zlib's best level). The server sends the one the browser accepts (brotli first).
//! `cargo xtask bench spa` reports what each page's first load downloads.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{project_root, Cmd};

/// (input HTML, Trunk's output folder, the name its page gets in `dist/`).
const BUNDLES: &[(&str, &str, &str)] = &[
    ("frontend/full.html", "target/spa/full", "full.html"),
    ("frontend/index.html", "target/spa/desk", "index.html"),
];

/// Files worth precompressing (everything Trunk writes is one of these).
const COMPRESSIBLE: &[&str] = &["html", "js", "wasm", "css", "json", "svg"];

/// Builds the trimmed ECharts and both bundles with Trunk (release profile, offline), and
/// assembles `dist/`.
pub fn build() -> Result<(), String> {
    let root = project_root();
    build_echarts()?;
    for (html, out, _) in BUNDLES {
        Cmd::new("trunk")
            .args(["build", "--release=true", "--dist", out, html])
            .with_tool_path()
            .run()?;
    }
    assemble(&root)
}

/// Bundles ECharts with only the series and components the charts use (`frontend/charts/`) into
/// the `echarts` global, minified: 197 KB gzip instead of the full library's 368 KB.
fn build_echarts() -> Result<(), String> {
    let esbuild = project_root().join("frontend/node_modules/.bin/esbuild");
    Cmd::new(&esbuild.to_string_lossy())
        .args([
            "charts/echarts-entry.js",
            "--bundle",
            "--minify",
            "--format=iife",
            "--target=es2020",
            "--log-level=warning",
            "--outfile=../target/spa/echarts/echarts.min.js",
        ])
        .dir("frontend")
        .run()
}

/// Replaces `dist/` with both bundles' files and their `.br` and `.gz` twins.
fn assemble(root: &Path) -> Result<(), String> {
    let dist = root.join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear dist/: {e}"))?;
    }
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create dist/: {e}"))?;
    for (_, out, page) in BUNDLES {
        for entry in read_dir(&root.join(out))? {
            let name = entry
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or("a file name that is not UTF-8 in Trunk's output")?
                .to_owned();
            // Trunk names its page after the input; each bundle's page gets its table name.
            let target = if name.ends_with(".html") {
                page.to_string()
            } else {
                name
            };
            fs::copy(&entry, dist.join(&target))
                .map_err(|e| format!("cannot copy {} into dist/: {e}", entry.display()))?;
        }
    }
    let compressible: Vec<PathBuf> = read_dir(&dist)?
        .into_iter()
        .filter(|file| {
            file.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| COMPRESSIBLE.contains(&e))
        })
        .collect();
    // Zopfli and brotli 11 take seconds on the wasm: one thread per twin (a handful of files,
    // so that is enough threads to keep every core busy).
    std::thread::scope(|scope| {
        let jobs: Vec<_> = compressible
            .iter()
            .flat_map(|file| TWINS.iter().map(move |twin| (file, twin)))
            .map(|(file, twin)| scope.spawn(move || write_twin(file, twin)))
            .collect();
        jobs.into_iter()
            .try_for_each(|job| job.join().map_err(|_| "a compression thread panicked")?)
    })
}

/// A compressed twin: its extension (as actix-files looks it up) and its encoder.
type Twin = (&'static str, fn(&[u8]) -> Result<Vec<u8>, String>);

/// The twins every compressible file gets.
const TWINS: &[Twin] = &[("br", brotli), ("gz", gzip)];

/// Writes `file.{ext}`: `file` packed by `twin`'s encoder.
fn write_twin(file: &Path, (ext, encode): &Twin) -> Result<(), String> {
    let bytes = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let path = PathBuf::from(format!("{}.{ext}", file.display()));
    fs::write(&path, encode(&bytes)?).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The files (not folders) of `dir`, sorted.
fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// gzip by Zopfli (what the server sends to browsers without brotli, and what the weight budget
/// counts). Five iterations instead of its default fifteen: 31 s instead of 40 on the full
/// bundle's wasm (measured with the machine busy) for 0.05 % more bytes.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let options = zopfli::Options {
        iteration_count: std::num::NonZeroU64::new(5).ok_or("zero iterations")?,
        ..zopfli::Options::default()
    };
    zopfli::compress(options, zopfli::Format::Gzip, bytes, &mut out)
        .map_err(|e| format!("gzip: {e}"))?;
    Ok(out)
}

/// Brotli at quality 11 with a 4 MiB window (what browsers that accept `br` get).
fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| format!("br: {e}"))?;
    Ok(out)
}

/// `cargo xtask bench spa`: builds `dist/` and prints, per page, the bytes of its first load with
/// an empty cache — the page's HTML and every asset it names, plus ECharts for the analytics page
/// (its charts load it) — as gzip (the budgets' measure), as brotli (what current browsers get)
/// and raw.
pub fn bench() -> Result<(), String> {
    crate::tools::ensure_spa_tools()?;
    build()?;
    let dist = project_root().join("dist");
    let echarts = "echarts.min.js";
    let pages: &[(&str, &str, &[&str])] = &[
        ("/login (reception)", "index.html", &[]),
        ("/crm (reception)", "index.html", &[]),
        ("/analytics", "full.html", &[echarts]),
        ("whole app (full bundle)", "full.html", &[echarts]),
    ];
    println!(
        "\n{:<26} {:>10} {:>10} {:>10}   files",
        "page", "gzip KB", "br KB", "raw KB"
    );
    for (label, html, extra) in pages {
        let mut files = vec![(*html).to_owned()];
        files.extend(assets_of(&dist.join(html))?);
        files.extend(extra.iter().map(|s| (*s).to_owned()));
        let (mut raw, mut gz, mut br) = (0u64, 0u64, 0u64);
        // What the server sends: each file's `.gz` or `.br` twin, written by `build`.
        for f in &files {
            raw += size(&dist.join(f))?;
            gz += size(&dist.join(format!("{f}.gz")))?;
            br += size(&dist.join(format!("{f}.br")))?;
        }
        let kb = |bytes: u64| bytes as f64 / 1024.0;
        println!(
            "{:<26} {:>10.1} {:>10.1} {:>10.1}   {}",
            label,
            kb(gz),
            kb(br),
            kb(raw),
            files.join(" ")
        );
    }
    println!("\nbudgets: reception first load ≤ 250 KB gzip, whole app ≤ 600 KB gzip (issue 20)");
    Ok(())
}

/// A file's size in bytes.
fn size(path: &Path) -> Result<u64, String> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The local files a page's HTML names (`href="/x"`, `src="/x"`, `'/x'` in Trunk's loader).
fn assets_of(html: &Path) -> Result<Vec<String>, String> {
    let text =
        fs::read_to_string(html).map_err(|e| format!("cannot read {}: {e}", html.display()))?;
    let mut found = Vec::new();
    for piece in text.split(['"', '\'']) {
        let Some(name) = piece.strip_prefix('/') else {
            continue;
        };
        let local = !name.is_empty()
            && !name.contains('/')
            && name.contains('.')
            && html.with_file_name(name).is_file();
        if local && !found.iter().any(|f| f == name) {
            found.push(name.to_owned());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::{assets_of, write_twin, TWINS};

    #[test]
    fn both_twins_inflate_to_the_file_and_gzip_beats_zlibs_best_level() {
        let dir = std::env::temp_dir().join(format!("emhana-twins-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Text with the repetition real assets have, and enough of it for the encoders to differ.
        let text: String = (0..4000)
            .map(|i| {
                format!(
                    "fn page_{}(s: &Strings) -> View {{ view! {{ <p>{}</p> }} }}\n",
                    i % 97,
                    i * 7919 % 1013
                )
            })
            .collect();
        let file = dir.join("app.js");
        std::fs::write(&file, &text).unwrap();
        for twin in TWINS {
            write_twin(&file, twin).unwrap();
        }

        let gz = std::fs::read(dir.join("app.js.gz")).unwrap();
        let mut inflated = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut inflated)
            .unwrap();
        assert_eq!(inflated, text);
        let mut zlib_best = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut zlib_best, text.as_bytes()).unwrap();
        assert!(gz.len() < zlib_best.finish().unwrap().len());

        let br = std::fs::read(dir.join("app.js.br")).unwrap();
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, text.as_bytes());
        assert!(br.len() < gz.len());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_page_names_its_stylesheet_script_and_wasm_once_each() {
        let dir = std::env::temp_dir().join(format!("emhana-spa-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["main-1.css", "app-2.js", "app-2_bg.wasm"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let html = r#"<link rel="stylesheet" href="/main-1.css"/>
<script type="module">import init from '/app-2.js';
await init({ module_or_path: '/app-2_bg.wasm' });</script>
<link rel="modulepreload" href="/app-2.js"><link rel="preload" href="/app-2_bg.wasm">
<a href="/crm">not a file</a><a href="/missing.js">not built</a>"#;
        std::fs::write(dir.join("index.html"), html).unwrap();
        let found = assets_of(&dir.join("index.html")).unwrap();
        assert_eq!(found, ["main-1.css", "app-2.js", "app-2_bg.wasm"]);
        let _ = std::fs::remove_dir_all(dir);
    }
}
