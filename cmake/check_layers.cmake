# The layering rules of the four services, checked on the sources (configure time, and as the
# ctest LayeringTest: cmake -DWSE_ROOT=<checkout> -P cmake/check_layers.cmake).
#
#   <service>/domain   rules and use cases: no gRPC, no SQL, no other layer of the service.
#   <service>/storage  the MySQL repositories: no gRPC, no adapters, no gRPC clients.
#   <service>/adapters the edges: the gRPC services (and notify-svc's SMTP sender).
#   <service>/client   the service's own client library for its callers: the interface (which
#                      other services' domain code holds), the gRPC implementation, a fake.
#
# Linking is checked too (cmake/WseLayers.cmake): the domain and storage libraries do not link
# gRPC, so a gRPC type cannot slip in through a header that happens to be on the include path.

set(WSE_LAYER_FORBIDDEN_domain
  "grpcpp/" "grpc/" "\\.grpc\\.pb\\.h" "common/call_context\\.h" "common/grpc_status\\.h"
  "common/service_host\\.h" "common/service_main\\.h" "common/health_service\\.h"
  "common/notify_deliverer\\.h" "common/tls\\.h" "common/mysql_" "common/outbox\\.h"
  "common/migrations\\.h" "cppconn/" "mysql" "curl/" "-svc/adapters/" "-svc/storage/"
  "-svc/client/grpc_" "-svc/client/fake_")
set(WSE_LAYER_FORBIDDEN_storage
  "grpcpp/" "grpc/" "\\.grpc\\.pb\\.h" "common/call_context\\.h" "common/grpc_status\\.h"
  "common/service_host\\.h" "common/notify_deliverer\\.h" "curl/" "-svc/adapters/"
  "-svc/client/grpc_")

function(wse_check_layers root)
  set(problems "")
  foreach(service identity-svc rights-svc registration-svc notify-svc)
    foreach(layer domain storage)
      file(GLOB_RECURSE sources "${root}/${service}/${layer}/*.h" "${root}/${service}/${layer}/*.cc")
      if(NOT sources)
        string(APPEND problems "\n  ${service}/${layer}: no sources (layout changed?)")
      endif()
      foreach(source ${sources})
        file(STRINGS "${source}" includes REGEX "^#include ")
        foreach(line ${includes})
          foreach(pattern ${WSE_LAYER_FORBIDDEN_${layer}})
            if(line MATCHES "${pattern}")
              file(RELATIVE_PATH rel "${root}" "${source}")
              string(APPEND problems "\n  ${rel}: ${line} (not allowed in ${layer}/)")
            endif()
          endforeach()
        endforeach()
      endforeach()
    endforeach()
  endforeach()
  if(problems)
    message(FATAL_ERROR "layering rules broken:${problems}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND WSE_ROOT)
  wse_check_layers("${WSE_ROOT}")
  message(STATUS "layering rules hold")
endif()
