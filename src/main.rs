fn main() -> std::process::ExitCode {
    resguardo::cli::main()
}
