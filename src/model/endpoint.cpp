#include "model/endpoint.h"

namespace tc {

std::string_view to_string(ClientAuth client_auth) {
  switch (client_auth) {
    case ClientAuth::none: return "none";
    case ClientAuth::optional: return "optional";
    case ClientAuth::required: return "required";
    case ClientAuth::unknown: break;
  }
  return "unknown";
}

std::string_view to_string(DrillCredential credential) {
  switch (credential) {
    case DrillCredential::generated_server_auth: return "generated-server-auth";
    case DrillCredential::generated_both: return "generated-server-and-client-auth";
    case DrillCredential::provided: return "provided";
  }
  return "provided";
}

}  // namespace tc
