# wse_proto_library(NAME <target> ROOT <dir> PROTOS <files relative to ROOT> [GRPC] [DEPS <targets>])
# Generates C++ (and with GRPC, gRPC stubs) into ${CMAKE_BINARY_DIR}/gen and builds two static
# libraries: <target>_messages (the messages alone, protobuf only: what domain code may link) and
# <target> (the messages plus the gRPC stubs, for adapters and clients).
# Generated code is third-party-ish: its headers are SYSTEM and it gets no -Werror.
set(WSE_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
set(WSE_PROTO_IMPORTS
  ${CMAKE_SOURCE_DIR}/proto
  ${CMAKE_SOURCE_DIR}/tests/proto
  /usr/share/grpc-proto
  /usr/share/gocode/src/github.com/gogo/googleapis
  /usr/include)

function(wse_proto_library)
  cmake_parse_arguments(P "GRPC" "NAME;ROOT" "PROTOS;DEPS" ${ARGN})
  set(srcs)
  set(keep)
  set(import_args)
  foreach(dir ${WSE_PROTO_IMPORTS})
    list(APPEND import_args -I${dir})
  endforeach()
  file(MAKE_DIRECTORY ${WSE_GEN_DIR})
  foreach(rel ${P_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" base ${rel})
    set(outs ${WSE_GEN_DIR}/${base}.pb.cc ${WSE_GEN_DIR}/${base}.pb.h)
    set(plugin_args)
    if(P_GRPC)
      list(APPEND outs ${WSE_GEN_DIR}/${base}.grpc.pb.cc ${WSE_GEN_DIR}/${base}.grpc.pb.h)
      set(plugin_args --grpc_out=${WSE_GEN_DIR}
          --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc -I${P_ROOT} ${import_args} --cpp_out=${WSE_GEN_DIR} ${plugin_args}
              ${P_ROOT}/${rel}
      DEPENDS ${P_ROOT}/${rel} protobuf::protoc
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND srcs ${outs})
    # Keep every file's descriptor in the binaries even when no code names one of its symbols
    # (a .proto with only a service): server reflection and descriptor lookups need them.
    # protoc names the table after the file, non-alphanumerics as _<hex>.
    string(REPLACE "_" "_5f" id ${rel})
    string(REPLACE "/" "_2f" id ${id})
    string(REPLACE "." "_2e" id ${id})
    string(REPLACE "-" "_2d" id ${id})
    list(APPEND keep "LINKER:--undefined=descriptor_table_${id}")
  endforeach()
  set(message_deps)
  foreach(dep ${P_DEPS})
    list(APPEND message_deps ${dep}_messages)
  endforeach()
  list(FILTER srcs EXCLUDE REGEX "\\.grpc\\.pb\\.(cc|h)$")
  add_library(${P_NAME}_messages STATIC ${srcs})
  target_include_directories(${P_NAME}_messages SYSTEM PUBLIC ${WSE_GEN_DIR})
  target_link_libraries(${P_NAME}_messages PUBLIC protobuf::libprotobuf ${message_deps})
  target_link_options(${P_NAME}_messages INTERFACE ${keep})
  if(P_GRPC)
    # Stubs of files that declare a service; the others' .grpc.pb.cc is empty but would still
    # compile every gRPC header (a second or two each under the sanitizers).
    set(stubs)
    foreach(rel ${P_PROTOS})
      string(REGEX REPLACE "\\.proto$" "" base ${rel})
      file(STRINGS ${P_ROOT}/${rel} services REGEX "^service ")
      list(APPEND stubs ${WSE_GEN_DIR}/${base}.grpc.pb.h)
      if(services)
        list(APPEND stubs ${WSE_GEN_DIR}/${base}.grpc.pb.cc)
      endif()
    endforeach()
    add_library(${P_NAME} STATIC ${stubs})
    target_link_libraries(${P_NAME} PUBLIC ${P_NAME}_messages ${P_DEPS} gRPC::grpc++)
  else()
    add_library(${P_NAME} INTERFACE)
    target_link_libraries(${P_NAME} INTERFACE ${P_NAME}_messages)
  endif()
endfunction()
