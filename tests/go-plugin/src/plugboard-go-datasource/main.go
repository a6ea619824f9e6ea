// A Plugboard process plugin for the usersync.datasource contract written the ordinary go-plugin way
// (docs/protocol.md, "Writing a plugin with go-plugin"): plugin.Serve with Plugboard's handshake values and
// plugin.DefaultGRPCServer; the plugboard.v1.Plugin and usersync.v1.DataSource services are registered on the
// *grpc.Server go-plugin gives; go-plugin serves the health service itself. Nothing here works around what
// go-plugin does (it ignores PLUGIN_UNIX_SOCKET_DIR, leaves its socket behind when killed, prints a sixth empty
// handshake field, does not exit when stdin closes): the host copes with all of it.
package main

import (
	"context"
	"fmt"
	"os"
	"sync"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/structpb"

	"plugboard-go-datasource/pb"
)

// handshake is Plugboard's, from docs/protocol.md.
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "PLUGBOARD_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d",
}

// logger writes hclog JSON on the real stderr, which the host reads: go-plugin replaces os.Stderr with a pipe
// of its own once it serves, so plain writes to os.Stderr after that reach no one.
var logger = hclog.New(&hclog.LoggerOptions{Name: "go-datasource", Level: hclog.Info, Output: os.Stderr, JSONFormat: true})

type directory struct {
	pb.UnimplementedPluginServer
	pb.UnimplementedDataSourceServer

	mu     sync.Mutex
	prefix string
}

func (d *directory) Init(ctx context.Context, request *pb.InitRequest) (*pb.InitResponse, error) {
	prefix := ""
	if value, ok := request.GetConfiguration().GetFields()["userPrefix"]; ok {
		prefix = value.GetStringValue()
	}
	d.mu.Lock()
	d.prefix = prefix
	d.mu.Unlock()
	logger.Info("initialized", "plugin", request.GetPluginId(), "userPrefix", prefix)
	metadata, err := structpb.NewStruct(map[string]interface{}{"language": "go", "pid": float64(os.Getpid())})
	if err != nil {
		return nil, err
	}
	return &pb.InitResponse{Metadata: metadata}, nil
}

func (d *directory) Verify(ctx context.Context, request *pb.VerifyRequest) (*pb.VerifyResponse, error) {
	return &pb.VerifyResponse{Ready: true}, nil
}

func (d *directory) Shutdown(ctx context.Context, request *pb.ShutdownRequest) (*pb.ShutdownResponse, error) {
	logger.Info("shutting down")
	return &pb.ShutdownResponse{}, nil
}

func (d *directory) ListDepartments(request *pb.ListDepartmentsRequest, stream pb.DataSource_ListDepartmentsServer) error {
	return stream.Send(&pb.Department{Id: "go-eng", Name: "Engineering (Go)"})
}

func (d *directory) ListUsers(request *pb.ListUsersRequest, stream pb.DataSource_ListUsersServer) error {
	d.mu.Lock()
	prefix := d.prefix
	d.mu.Unlock()
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("%sgopher%d", prefix, i)
		user := &pb.User{Id: fmt.Sprintf("go-%d", i), UserName: name, DisplayName: fmt.Sprintf("Gopher %d", i), Email: name + "@example.test", DepartmentId: "go-eng"}
		if err := stream.Send(user); err != nil {
			return err
		}
	}
	return nil
}

func (d *directory) TestConnection(ctx context.Context, request *pb.TestConnectionRequest) (*pb.TestConnectionResponse, error) {
	return &pb.TestConnectionResponse{Ok: true, Message: fmt.Sprintf("go-plugin process %d", os.Getpid())}, nil
}

// services is the one go-plugin plugin: it registers Plugboard's services on go-plugin's gRPC server.
type services struct {
	plugin.NetRPCUnsupportedPlugin
}

func (services) GRPCServer(broker *plugin.GRPCBroker, server *grpc.Server) error {
	d := &directory{}
	pb.RegisterPluginServer(server, d)
	pb.RegisterDataSourceServer(server, d)
	return nil
}

func (services) GRPCClient(ctx context.Context, broker *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return nil, fmt.Errorf("this program is a plugin; Plugboard is its host")
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: handshake,
		Plugins:         plugin.PluginSet{"datasource": services{}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          logger,
	})
}
