{
  "targets": [
    {
      "target_name": "scap_reader",
      "sources": [
        "src/addon.cc",
        "src/header.cc",
        "src/gzstream.cc",
        "src/input.cc",
        "src/pipeline.cc",
        "src/reader.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-Wall", "-Wextra"],
      "libraries": ["-lz"]
    }
  ]
}
