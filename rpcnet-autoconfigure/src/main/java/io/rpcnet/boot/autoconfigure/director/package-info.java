/** Auto-configuration of the director's gateway ({@code rpcnet.director.gateway.*}). */
package io.rpcnet.boot.autoconfigure.director;
