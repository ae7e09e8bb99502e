fn main() {
    std::process::exit(elitea_tokens::main());
}
