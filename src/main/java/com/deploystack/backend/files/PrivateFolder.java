package com.deploystack.backend.files;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data folder's permissions: the embedded PostgreSQL's binaries and data, generated secrets and the selection
 * file are the service's own, so other users of the machine may neither change nor read them.
 */
public final class PrivateFolder {

    private static final System.Logger LOG = System.getLogger(PrivateFolder.class.getName());
    private static final Set<PosixFilePermission> OTHERS_WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE,
                                                                             PosixFilePermission.OTHERS_WRITE);

    private PrivateFolder() {
    }

    /** Makes {@code folder} reachable by its owner only (0700) when this process owns it; warns when it cannot. */
    public static void restrict(Path folder) throws IOException {
        if (!posix()) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
        if (permissions.equals(ownerOnly)) {
            return;
        }
        String owner = Files.getOwner(folder).getName();
        if (owner.equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(folder, ownerOnly);
        } else if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            LOG.log(Level.WARNING, "{0} belongs to {1} and other users may write to it; the embedded PostgreSQL's"
                                   + " binaries and data are only as safe as that folder", folder, owner);
        }
    }

    /** Removes the group's and others' write permission from {@code folder} and everything below it. */
    public static void removeOthersWrite(Path folder) throws IOException {
        if (!posix()) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                if (permissions.removeAll(OTHERS_WRITE)) {
                    Files.setPosixFilePermissions(path, permissions);
                }
            }
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
