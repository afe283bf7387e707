//! argv → command → exit code. The only place that prints diagnostics.
//!
//! Exit status: 0 success (warnings allowed), 1 content or template errors,
//! 2 wrong usage.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use yishi::diagnostics::Diagnostics;

/// A build allocates from every thread at once (pages, index, output);
/// mimalloc's per-thread heaps cost less than glibc's arenas there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 议事：把“有事好商量”协商议事案例（Markdown）生成为静态网站。
#[derive(Parser)]
#[command(name = "yishi", version, about, disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站到 public/（或 --output），失败时保留原有内容
    Build {
        /// 站点文件夹（含 site.yaml），默认当前文件夹
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出文件夹，默认 <站点文件夹>/public
        #[arg(long)]
        output: Option<PathBuf>,
        /// 同时发布草稿（draft: true）
        #[arg(long)]
        drafts: bool,
        /// 覆盖 site.yaml 中的 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 显示各阶段用时
        #[arg(long, short)]
        verbose: bool,
    },
    /// 本地预览：生成、提供网页、监视修改并自动刷新浏览器
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 监听地址，默认只在本机（127.0.0.1）
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long)]
        drafts: bool,
    },
    /// 检查全部内容（不写文件）；--fix 自动修正无损的问题
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        /// 自动修正：编码转为 UTF-8、键后的全角冒号、行首 Tab
        #[arg(long)]
        fix: bool,
    },
    /// 新建一个案例文件（不会覆盖已有文件）；--street 与 --committee 至少给一个
    #[command(group(clap::ArgGroup::new("unit").required(true).multiple(true).args(["street", "committee"])))]
    New {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 新文件路径，如 content/cases/2024/hongwu-yanglao.md
        path: PathBuf,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        street: Option<String>,
        #[arg(long)]
        committee: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, output, drafts, base_url, verbose } => {
            let start = Instant::now();
            let output = output.unwrap_or_else(|| root.join("public"));
            let opts = yishi::Options { root, drafts, base_url, today: None };
            let (report, diags) = yishi::build(&opts, &output);
            let failed = print_diagnostics(diags);
            match report {
                Some(r) if !failed => {
                    if verbose {
                        for (stage, d) in &r.stages {
                            eprintln!("  {stage:<14} {:>8.1} ms", d.as_secs_f64() * 1000.0);
                        }
                    }
                    println!(
                        "已生成 {} 个案例、{} 个页面（共 {} 个文件），用时 {:.2} 秒 → {}",
                        r.cases,
                        r.pages,
                        r.files,
                        start.elapsed().as_secs_f64(),
                        output.display()
                    );
                    ExitCode::SUCCESS
                }
                _ => {
                    eprintln!("生成失败，{} 保持原样。", output.display());
                    ExitCode::from(1)
                }
            }
        }
        Command::Check { root, drafts, fix } => {
            if fix {
                match yishi::fix::fix_site(&root) {
                    Ok(changes) if changes.is_empty() => println!("没有需要自动修正的内容。"),
                    Ok(changes) => {
                        for c in &changes {
                            println!("已修正 {c}");
                        }
                    }
                    Err(e) => {
                        eprintln!("自动修正失败：{e}");
                        return ExitCode::from(1);
                    }
                }
            }
            let opts = yishi::Options { root, drafts, base_url: None, today: None };
            let (report, diags) = yishi::check(&opts);
            let failed = print_diagnostics(diags);
            if failed || report.is_none() {
                ExitCode::from(1)
            } else {
                let r = report.unwrap_or_default();
                println!("检查通过：{} 个案例、{} 个页面。", r.cases, r.pages);
                ExitCode::SUCCESS
            }
        }
        Command::Serve { root, bind, port, drafts } => {
            match yishi::serve::serve(&yishi::serve::ServeOptions { root, bind, port, drafts }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("错误: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::New { root, path, title, street, committee } => {
            match yishi::new::new_case(
                &root,
                &path,
                title.as_deref(),
                street.as_deref(),
                committee.as_deref(),
            ) {
                Ok(written) => {
                    println!("已新建 {}", written.display());
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(diags);
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Prints every diagnostic, sorted, then a count line. True if any error.
fn print_diagnostics(diags: Diagnostics) -> bool {
    let failed = diags.has_errors();
    let (errors, warnings) = diags.counts();
    for d in diags.sorted() {
        eprint!("{}", d.render());
    }
    if errors + warnings > 0 {
        eprintln!("共 {errors} 个错误，{warnings} 个警告。");
    }
    failed
}
