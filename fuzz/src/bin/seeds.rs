//! Writes the seed corpora: `seeds QA_DIR REPO_DIR OUT_DIR` fills `OUT_DIR/TARGET/` for each target.

use exabgp_rs_fuzz::seeds::{corpus, TARGETS};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [qa, repo, out] = args.as_slice() else {
        eprintln!("usage: seeds QA_DIR REPO_DIR OUT_DIR");
        std::process::exit(2);
    };
    for target in TARGETS {
        let folder = Path::new(out).join(target);
        std::fs::create_dir_all(&folder).expect("the corpus folder can be made");
        let seeds = corpus(target, Path::new(qa), Path::new(repo));
        for (name, bytes) in &seeds {
            std::fs::write(folder.join(name), bytes).expect("a seed can be written");
        }
        println!("{target}: {} seeds", seeds.len());
    }
}
